package io.mmfile.platform;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.Locale;
import java.util.Map;

/**
 * Loads the configuration: the defaults bundled in the jar, then the YAML file (by default
 * {@code conf/application.yaml}), then {@code MMFILE_*} environment variables, then explicit
 * overrides (used by tests and the command line).
 */
public final class ConfigLoader {
  public static final String DEFAULT_FILE = "conf/application.yaml";
  static final String DEFAULTS_RESOURCE = "mmfile-defaults/application.yaml";
  static final String ENV_PREFIX = "MMFILE_";

  private final Vertx vertx;
  private final Map<String, String> env;

  public ConfigLoader(Vertx vertx, Map<String, String> env) {
    this.vertx = vertx;
    this.env = env;
  }

  /** Loads and validates; fails with a {@link ConfigException} naming the bad key. */
  public Future<MmfileConfig> load(String file, JsonObject overrides) {
    ConfigRetrieverOptions options = new ConfigRetrieverOptions()
      .setIncludeDefaultStores(false)
      .setScanPeriod(-1)
      .addStore(yaml(DEFAULTS_RESOURCE, false))
      .addStore(yaml(file, !file.equals(DEFAULT_FILE)));
    ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
    return retriever.getConfig()
      .onComplete(ar -> retriever.close())
      .map(json -> {
        applyEnvironment(json, "");
        deepMerge(json, overrides);
        return MmfileConfig.from(json);
      });
  }

  private static ConfigStoreOptions yaml(String path, boolean required) {
    return new ConfigStoreOptions().setType("file").setFormat("yaml").setOptional(!required)
      .setConfig(new JsonObject().put("path", path));
  }

  /** Replaces every leaf whose environment variable is set, keeping the default's type. */
  private void applyEnvironment(JsonObject node, String prefix) {
    for (String name : node.fieldNames().toArray(String[]::new)) {
      String key = prefix + name;
      Object value = node.getValue(name);
      if (value instanceof JsonObject child) {
        applyEnvironment(child, key + ".");
        continue;
      }
      String fromEnv = env.get(envName(key));
      if (fromEnv != null) {
        node.put(name, fromEnv);
      }
    }
  }

  /** {@code http.public-base-url} becomes {@code MMFILE_HTTP_PUBLIC_BASE_URL}. */
  public static String envName(String key) {
    return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  private static void deepMerge(JsonObject target, JsonObject source) {
    for (Map.Entry<String, Object> e : source) {
      String[] path = e.getKey().split("\\.");
      JsonObject node = target;
      for (int i = 0; i < path.length - 1; i++) {
        JsonObject next = node.getJsonObject(path[i]);
        if (next == null) {
          next = new JsonObject();
          node.put(path[i], next);
        }
        node = next;
      }
      node.put(path[path.length - 1], e.getValue());
    }
  }
}
