package io.mmfile.support;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;

/**
 * Registered for every test class (junit-platform.properties turns extension auto-detection on): the
 * log lines written while a top-level test class ran must hold none of the secrets its tests made
 * ({@link SecretWatch}), so a full run of the contract suites greps all their logs.
 */
public final class NoSecretsInLogs implements BeforeAllCallback, AfterAllCallback {
  @Override
  public void beforeAll(ExtensionContext context) {
    if (topLevel(context)) {
      SecretWatch.install();
      SecretWatch.drain();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (!topLevel(context)) {
      return;
    }
    List<String> leaks = SecretWatch.drain();
    if (!leaks.isEmpty()) {
      throw new AssertionError(leaks.size() + " log line(s) of " + context.getRequiredTestClass().getSimpleName()
        + " hold a secret, token, password or code:\n" + String.join("\n", leaks));
    }
  }

  private static boolean topLevel(ExtensionContext context) {
    return context.getTestClass().map(c -> c.getEnclosingClass() == null).orElse(false);
  }
}
