package io.clout.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Where the gateway may listen, and what it asks for first; no Spark needed. */
class GatewayOptionsTest {
  @Test
  void loopbackIsTheDefaultAndNeedsNoAuthentication() {
    GatewayOptions o = GatewayOptions.parse(List.of("--warehouse", "/w"));
    assertThat(o.host()).isEqualTo("127.0.0.1");
    assertThat(o.port()).isEqualTo(10000);
    assertThat(o.authentication()).isEqualTo("NONE");
    assertThat(GatewayOptions.parse(List.of("--warehouse", "/w", "--host", "localhost")).host())
        .isEqualTo("localhost");
  }

  @Test
  void anyOtherAddressIsRefusedWithoutAuthentication() {
    assertThatThrownBy(
            () -> GatewayOptions.parse(List.of("--warehouse", "/w", "--host", "0.0.0.0")))
        .isInstanceOf(GatewayOptions.Invalid.class)
        .hasMessageStartingWith("Cannot serve on 0.0.0.0 without authentication")
        .hasMessageContaining("hive.server2.authentication=CUSTOM");
    assertThatThrownBy(
            () ->
                GatewayOptions.parse(
                    List.of(
                        "--warehouse",
                        "/w",
                        "--host",
                        "0.0.0.0",
                        "--conf",
                        "hive.server2.authentication=NOSASL")))
        .hasMessageContaining("hive.server2.authentication is NOSASL");
    assertThatThrownBy(
            () ->
                GatewayOptions.parse(
                    List.of(
                        "--warehouse",
                        "/w",
                        "--host",
                        "0.0.0.0",
                        "--conf",
                        "hive.server2.authentication=LDAP")))
        .hasMessageContaining("needs hive.server2.authentication.ldap.url");
  }

  @Test
  void aPasswordFileIsEnoughForAnotherAddress() {
    GatewayOptions o =
        GatewayOptions.parse(
            List.of(
                "--warehouse",
                "/w",
                "--host",
                "0.0.0.0",
                "--conf",
                "hive.server2.authentication=CUSTOM",
                "--conf",
                "hive.server2.custom.authentication.class="
                    + PasswordFileAuthenticator.class.getName(),
                "--conf",
                PasswordFileAuthenticator.FILE_KEY + "=/etc/clout/bi-users"));
    assertThat(o.authentication()).isEqualTo("CUSTOM");
  }

  @Test
  void settingsCanComeFromAFileThatIsDeletedOnceRead() throws Exception {
    java.nio.file.Path file = java.nio.file.Files.createTempFile("gateway", ".properties");
    java.nio.file.Files.writeString(
        file, "spark.hadoop.fs.s3a.secret.key=s3cr3t\nspark.sql.shuffle.partitions=3\n");
    GatewayOptions o =
        GatewayOptions.parse(List.of("--warehouse", "/w", "--conf-file", file.toString()));
    assertThat(o.conf())
        .containsEntry("spark.hadoop.fs.s3a.secret.key", "s3cr3t")
        .containsEntry("spark.sql.shuffle.partitions", "3");
    assertThat(file).doesNotExist();
  }

  @Test
  void statementsAreNamedInTheWordsOfSql() {
    assertThat(ReadOnly.statement("AppendData")).isEqualTo("INSERT");
    assertThat(ReadOnly.statement("InsertIntoHadoopFsRelationCommand")).isEqualTo("INSERT");
    assertThat(ReadOnly.statement("DropTable")).isEqualTo("DROP");
    assertThat(ReadOnly.statement("SetTableProperties")).isEqualTo("ALTER");
    assertThat(ReadOnly.statement("CreateTableAsSelect")).isEqualTo("CREATE");
    assertThat(ReadOnly.matchesAllowed("ShowTables")).isTrue();
    assertThat(ReadOnly.matchesAllowed("SetTableProperties")).isFalse();
    assertThat(ReadOnly.matchesAllowed("DescribeDeltaHistory")).isTrue();
  }
}
