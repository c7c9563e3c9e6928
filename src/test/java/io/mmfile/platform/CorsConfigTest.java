package io.mmfile.platform;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.mmfile.support.TestServer.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code http.cors.*} and {@code http.cache-store-max-age-seconds}, as read from YAML and the environment. */
class CorsConfigTest {
  Vertx vertx;

  @BeforeEach
  void vertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void close() {
    vertx.close();
  }

  MmfileConfig load(Map<String, String> env, JsonObject overrides) {
    return await(new ConfigLoader(vertx, env).load(ConfigLoader.DEFAULT_FILE, overrides));
  }

  MmfileConfig.Cors cors(String origins) {
    return load(Map.of("MMFILE_HTTP_CORS_ALLOWED_ORIGINS", origins), new JsonObject()).http().cors();
  }

  @Test
  void byDefaultThereIsNoCorsAndCacheStoreFilesAreKeptFiveMinutes() {
    MmfileConfig config = load(Map.of(), new JsonObject());

    assertThat(config.http().cors().enabled()).isFalse();
    assertThat(config.http().cors().maxAgeSeconds()).isEqualTo(600);
    assertThat(config.http().cacheStoreMaxAgeSeconds()).isEqualTo(300);
  }

  @Test
  void originsComeAsACommaSeparatedListInLowerCase() {
    MmfileConfig.Cors cors = cors(" https://App.example.com , http://localhost:3000 ");

    assertThat(cors.enabled()).isTrue();
    assertThat(cors.anyOrigin()).isFalse();
    assertThat(cors.allowedOrigins()).containsExactly("https://app.example.com", "http://localhost:3000");
  }

  @Test
  void originsMayBeAYamlList() {
    MmfileConfig config = load(Map.of(), new JsonObject()
      .put("http.cors.allowed-origins", new JsonArray().add("https://a.example").add("https://b.example")));

    assertThat(config.http().cors().allowedOrigins()).containsExactly("https://a.example", "https://b.example");
  }

  @Test
  void aStarAllowsEveryOrigin() {
    assertThat(cors("*").anyOrigin()).isTrue();
  }

  @Test
  void aStarCannotBeMixedWithOrigins() {
    assertThatThrownBy(() -> cors("*, https://a.example"))
      .isInstanceOf(ConfigException.class).hasMessageContaining("http.cors.allowed-origins");
  }

  @Test
  void somethingThatIsNotAnOriginIsRefusedNamingTheKey() {
    for (String bad : new String[] {"app.example.com", "https://app.example.com/path", "ftp://app.example.com",
      "https://user@app.example.com", "https://"}) {
      assertThatThrownBy(() -> cors(bad)).as(bad)
        .isInstanceOf(ConfigException.class).hasMessageContaining("http.cors.allowed-origins").hasMessageContaining(bad);
    }
  }
}
