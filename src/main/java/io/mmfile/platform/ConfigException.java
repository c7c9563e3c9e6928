package io.mmfile.platform;

/** A configuration value that cannot be used; the message names the key. */
public final class ConfigException extends RuntimeException {
  private final String key;

  public ConfigException(String key, String problem) {
    super("configuration key '" + key + "' " + problem);
    this.key = key;
  }

  private ConfigException(String key, String message, Throwable cause) {
    super(message, cause);
    this.key = key;
  }

  /** The configuration file itself is the problem: {@code configuration file 'x.yaml' does not exist}. */
  public static ConfigException file(String path, String problem) {
    return new ConfigException("(file)", "configuration file '" + path + "' " + problem, null);
  }

  public String key() {
    return key;
  }
}
