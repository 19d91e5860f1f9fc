package io.clout.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An HTTP proxy on 127.0.0.1 in front of the real S3 server that can fail on purpose: answer 503 to
 * the requests a rule picks, or delay every answer. One request per connection (it answers with
 * {@code Connection: close}), so each request's first line can be judged. The Host header is passed
 * as it is, so the client's signatures still hold.
 */
final class FaultyProxy implements AutoCloseable {
  private final ServerSocket server;
  private final int upstreamPort;
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private volatile Predicate<String> fail = line -> false;
  private volatile int failuresLeft = Integer.MAX_VALUE;
  private volatile long delayMs;
  private final AtomicInteger slowLeft = new AtomicInteger();
  private final java.util.Queue<Integer> statuses =
      new java.util.concurrent.ConcurrentLinkedQueue<>();
  final AtomicInteger requests = new AtomicInteger();
  final AtomicInteger failed = new AtomicInteger();
  final AtomicInteger slowed = new AtomicInteger();

  /** Every request line seen, in order. */
  final java.util.Queue<String> lines = new java.util.concurrent.ConcurrentLinkedQueue<>();

  FaultyProxy(int upstreamPort) throws IOException {
    this.upstreamPort = upstreamPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    pool.submit(this::acceptLoop);
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  /** Answers 503 to the next {@code times} requests whose first line matches; the rest pass. */
  void fail(Predicate<String> requestLine, int times) {
    failuresLeft = times;
    fail = requestLine;
  }

  /** Delays the answers to the next {@code times} requests by {@code ms}. */
  void slow(long ms, int times) {
    delayMs = ms;
    slowLeft.set(times);
  }

  /** Answers the next requests, one each, with these statuses (such as 500 or 503). */
  void answer(int... statuses) {
    for (int status : statuses) {
      this.statuses.add(status);
    }
  }

  void heal() {
    fail = line -> false;
    delayMs = 0;
    slowLeft.set(0);
    statuses.clear();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        pool.submit(() -> handle(client));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void handle(Socket client) {
    try (client) {
      InputStream in = client.getInputStream();
      byte[] head = readHead(in);
      if (head == null) {
        return;
      }
      String text = new String(head, StandardCharsets.ISO_8859_1);
      String requestLine = text.substring(0, text.indexOf("\r\n"));
      requests.incrementAndGet();
      lines.add(requestLine);
      if (slowLeft.getAndDecrement() > 0) {
        slowed.incrementAndGet();
        Thread.sleep(delayMs);
      }
      Integer status = statuses.poll();
      if (status == null && fail.test(requestLine) && failuresLeft > 0) {
        failuresLeft--;
        status = 503;
      }
      if (status != null) {
        failed.incrementAndGet();
        String body =
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>"
                + (status == 503 ? "ServiceUnavailable" : "InternalError")
                + "</Code>"
                + "<Message>injected by the test</Message></Error>";
        client
            .getOutputStream()
            .write(
                ("HTTP/1.1 "
                        + status
                        + (status == 503 ? " Service Unavailable" : " Internal Server Error")
                        + "\r\nContent-Type: application/xml\r\n"
                        + "Content-Length: "
                        + body.length()
                        + "\r\nConnection: close\r\n\r\n"
                        + body)
                    .getBytes(StandardCharsets.ISO_8859_1));
        return;
      }
      try (Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort)) {
        OutputStream up = upstream.getOutputStream();
        up.write(withConnectionClose(text).getBytes(StandardCharsets.ISO_8859_1));
        up.flush();
        // The request body, if any, flows on while the answer comes back.
        pool.submit(() -> pump(in, up));
        upstream.getInputStream().transferTo(client.getOutputStream());
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      // The client sees a dropped connection, which is what a failing server looks like too.
    }
  }

  private static void pump(InputStream in, OutputStream out) {
    try {
      in.transferTo(out);
    } catch (IOException e) {
      // either side closed
    }
  }

  /** The request head up to and including the blank line, or null at the end of the stream. */
  private static byte[] readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    int b;
    while ((b = in.read()) >= 0) {
      head.write(b);
      matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
      if (matched == 4) {
        return head.toByteArray();
      }
    }
    return null;
  }

  private static String withConnectionClose(String head) {
    StringBuilder out = new StringBuilder();
    for (String line : head.split("\r\n")) {
      if (!line.regionMatches(true, 0, "Connection:", 0, 11)) {
        out.append(line).append("\r\n");
      }
    }
    return out.append("Connection: close\r\n\r\n").toString();
  }

  @Override
  public void close() throws IOException {
    server.close();
    pool.shutdownNow();
  }
}
