package io.clout.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clout.jobs.CloutException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code ./clout serve} as a user meets it, before any endpoint starts. */
class ServeCommandTest {
  @Test
  void itIsACommandWithItsOptions() {
    CliTest.Outcome o = CliTest.call("serve", "--help");
    assertThat(o.code()).isEqualTo(0);
    assertThat(o.out()).contains("--host").contains("--port").contains("--connect");
    assertThat(CliTest.call("help").out()).contains("serve");
  }

  @Test
  void sparkConnectOffLoopbackWithoutAuthenticationIsRefusedBeforeSparkStarts() {
    CliTest.Outcome o = CliTest.call("serve", "--connect", "--host", "0.0.0.0");
    assertThat(o.code()).isEqualTo(2);
    assertThat(o.err())
        .contains("Cannot serve Spark Connect on 0.0.0.0 without authentication")
        .contains("spark.connect.grpc.interceptor.classes");
  }

  @Test
  void loopbackOrAnInterceptorIsEnoughForSparkConnect() {
    ServeCommand.checkConnectAuthentication("127.0.0.1", Map.of());
    ServeCommand.checkConnectAuthentication("localhost", Map.of());
    ServeCommand.checkConnectAuthentication(
        "0.0.0.0", Map.of(ServeCommand.CONNECT_AUTH_KEY, "com.example.TokenInterceptor"));
    assertThatThrownBy(() -> ServeCommand.checkConnectAuthentication("0.0.0.0", Map.of()))
        .isInstanceOf(CloutException.class);
  }

  @Test
  void aPortThatIsNotANumberIsAUsageError() {
    CliTest.Outcome o = CliTest.call("serve", "--port", "ten");
    assertThat(o.code()).isEqualTo(2);
    assertThat(o.err()).contains("clout serve").contains("--port");
  }
}
