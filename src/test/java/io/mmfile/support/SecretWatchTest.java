package io.mmfile.support;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The watch that every test class's logs pass through ({@link NoSecretsInLogs}) finds what it must. */
class SecretWatchTest {
  private static final Logger LOG = LoggerFactory.getLogger("io.mmfile.test");
  private static final Logger ACCESS = LoggerFactory.getLogger("mmfile.access");

  @Test
  void findsEachKindOfSecretInALogLine() {
    SecretWatch.install();
    SecretWatch.drain();
    SecretWatch.watch("2C8F71585D563825C01B5BA2DA2960517C88CCEA");
    SecretWatch.watch("eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJlLXBhcnQ");
    SecretWatch.watch("483920");
    SecretWatch.watch("correct horse!");
    LOG.info("nothing secret here: 200 OK after 1234567 bytes");
    ACCESS.info("127.0.0.1 - - \"POST /x HTTP/1.1\" 200 483920 \"-\" \"-\"");
    assertThat(SecretWatch.drain()).as("a number in the access log is a byte count, not a code").isEmpty();

    SecretWatch.watch("2C8F71585D563825C01B5BA2DA2960517C88CCEA");
    SecretWatch.watch("eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJlLXBhcnQ");
    SecretWatch.watch("483920");
    SecretWatch.watch("correct horse!");
    LOG.info("sign=2C8F71585D563825C01B5BA2DA2960517C88CCEA");
    LOG.warn("Bearer eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJlLXBhcnQ rejected");
    LOG.info("verification code for 13800138000: 483920");
    LOG.debug("ignored: below the level the suite logs at: correct horse!");
    LOG.info("password was correct horse!, or so");
    List<String> leaks = SecretWatch.drain();
    assertThat(leaks).hasSize(4);
    assertThat(leaks).noneMatch(l -> l.contains("(2C8F71585D563825C01B5BA2DA2960517C88CCEA)"));
  }
}
