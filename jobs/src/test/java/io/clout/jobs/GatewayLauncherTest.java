package io.clout.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class GatewayLauncherTest {
  @Test
  void settingsGoToTheGatewayInAFileOnlyThisUserCanRead() throws Exception {
    Path file =
        GatewayLauncher.confFile(
            Map.of("spark.hadoop.fs.s3a.secret.key", "s3cr3t", "hive.server2.thrift.port", "1"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file)) {
      p.load(in);
    }
    assertThat(p).containsEntry("spark.hadoop.fs.s3a.secret.key", "s3cr3t").hasSize(2);
    Files.delete(file);
  }
}
