package io.clout.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * A real S3-compatible server (S3Proxy over a local folder) on 127.0.0.1, run as its own process:
 * its cloud SDKs would clash with Spark's classpath. The build copies its jar from Maven Central
 * (tests/pom.xml) and passes the path as {@code s3proxy.jar}.
 */
public final class S3ProxyServer implements AutoCloseable {
  public static final String ACCESS_KEY = "clout-test";
  public static final String SECRET_KEY = "clout-test-secret";

  private final Path workDir;
  private final int port;
  private Process process;

  private S3ProxyServer(Path workDir, int port) {
    this.workDir = workDir;
    this.port = port;
  }

  public static S3ProxyServer start(Path workDir) throws IOException, InterruptedException {
    String jar = System.getProperty("s3proxy.jar");
    if (jar == null || !new File(jar).isFile()) {
      throw new IllegalStateException(
          "Cannot start S3Proxy: no jar at s3proxy.jar=" + jar + " (run through Maven)");
    }
    int port = freePort();
    Path data = Files.createDirectories(workDir.resolve("s3data"));
    Path conf = workDir.resolve("s3proxy.conf");
    Files.writeString(
        conf,
        String.join(
                "\n",
                "s3proxy.endpoint=http://127.0.0.1:" + port,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS_KEY,
                "s3proxy.credential=" + SECRET_KEY,
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + data)
            + "\n");
    S3ProxyServer server = new S3ProxyServer(workDir, port);
    server.launch();
    return server;
  }

  /** Starts the server process over the config and data folder in {@code workDir}. */
  private void launch() throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path conf = workDir.resolve("s3proxy.conf");
    process =
        new ProcessBuilder(
                List.of(
                    java,
                    "-Xmx256m",
                    "-jar",
                    System.getProperty("s3proxy.jar"),
                    "--properties",
                    conf.toString()))
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(workDir.resolve("s3proxy.log").toFile()))
            .start();
    long deadline = System.currentTimeMillis() + 60_000;
    while (!answers()) {
      if (!process.isAlive() || System.currentTimeMillis() > deadline) {
        close();
        throw new IllegalStateException(
            "Cannot start S3Proxy: see " + workDir.resolve("s3proxy.log"));
      }
      Thread.sleep(200);
    }
  }

  /** Starts the server again on the same port and data after {@link #close()}: a recovery. */
  public void restart() throws IOException, InterruptedException {
    launch();
  }

  /** A TCP port free on 127.0.0.1 right now. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private boolean answers() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  public int port() {
    return port;
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** The s3a settings for this server; tests only, production uses the default provider chain. */
  public Map<String, String> s3aSettings() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("fs.s3a.endpoint", endpoint());
    m.put("fs.s3a.endpoint.region", "us-east-1");
    m.put("fs.s3a.path.style.access", "true");
    m.put("fs.s3a.connection.ssl.enabled", "false");
    m.put(
        "fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    m.put("fs.s3a.access.key", ACCESS_KEY);
    m.put("fs.s3a.secret.key", SECRET_KEY);
    return m;
  }

  public S3Client client() {
    return S3Client.builder()
        .endpointOverride(URI.create(endpoint()))
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
        .build();
  }

  /** Uploads every file under {@code dir} to {@code s3://bucket/prefix/<relative path>}. */
  public void upload(Path dir, String bucket, String prefix) {
    try (S3Client s3 = client();
        var files = Files.walk(dir)) {
      files
          .filter(Files::isRegularFile)
          .forEach(
              f ->
                  s3.putObject(
                      b ->
                          b.bucket(bucket)
                              .key(
                                  prefix
                                      + "/"
                                      + dir.relativize(f)
                                          .toString()
                                          .replace(File.separatorChar, '/')),
                      software.amazon.awssdk.core.sync.RequestBody.fromFile(f)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
