package io.mmfile.support;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads every line the test JVM logs for the secrets the tests themselves made: app-key secrets,
 * signs, passwords, access and refresh tokens, authorization codes and SMS codes (the support clients
 * register them as they send or receive them). A line containing one is a leak;
 * {@link NoSecretsInLogs} fails the test class during which it was logged.
 *
 * <p>Lines are cut into tokens of letters, digits and {@code -_.} and each is looked up, so that
 * thousands of signs cost a hash lookup per token rather than a search per secret; secrets that are
 * not such a token (passwords with other characters) are searched for as text. Numeric codes are only
 * looked for outside the access log, whose byte counts are numbers of the same length.
 */
public final class SecretWatch extends AppenderBase<ILoggingEvent> {
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_.\\-]+");
  private static final Pattern CODE = Pattern.compile("\\d{4,8}");
  private static final Set<String> TOKENS = ConcurrentHashMap.newKeySet();
  private static final Set<String> CODES = ConcurrentHashMap.newKeySet();
  private static final Set<String> TEXTS = ConcurrentHashMap.newKeySet();
  private static final List<String> LEAKS = Collections.synchronizedList(new ArrayList<>());
  private static volatile SecretWatch installed;

  /** Starts watching the root logger (once per JVM). */
  public static synchronized void install() {
    if (installed != null) {
      return;
    }
    SecretWatch watch = new SecretWatch();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    watch.setContext(root.getLoggerContext());
    watch.setName("secret-watch");
    watch.start();
    root.addAppender(watch);
    installed = watch;
  }

  /** A value that must never be logged: codes of 4-8 digits, or anything of 6 characters or more. */
  public static void watch(String secret) {
    if (secret == null) {
      return;
    }
    if (CODE.matcher(secret).matches()) {
      CODES.add(secret);
    } else if (secret.length() < 6) {
      return;
    } else if (TOKEN.matcher(secret).matches()) {
      TOKENS.add(secret);
    } else {
      TEXTS.add(secret);
    }
  }

  /** The leaks so far, and forgets them and the watched values (the next test class makes its own). */
  public static List<String> drain() {
    List<String> leaks;
    synchronized (LEAKS) {
      leaks = List.copyOf(LEAKS);
      LEAKS.clear();
    }
    TOKENS.clear();
    CODES.clear();
    TEXTS.clear();
    return leaks;
  }

  @Override
  protected void append(ILoggingEvent event) {
    if (TOKENS.isEmpty() && CODES.isEmpty() && TEXTS.isEmpty()) {
      return;
    }
    String text = event.getFormattedMessage();
    if (event.getThrowableProxy() != null) {
      text = text + "\n" + ThrowableProxyUtil.asString(event.getThrowableProxy());
    }
    boolean access = event.getLoggerName().equals("mmfile.access");
    Matcher m = TOKEN.matcher(text);
    while (m.find()) {
      String token = m.group();
      if (TOKENS.contains(token) || !access && CODES.contains(token) || containsPart(token)) {
        leak(event, token);
        return;
      }
    }
    for (String secret : TEXTS) {
      if (text.contains(secret)) {
        leak(event, secret);
        return;
      }
    }
  }

  /** A JWT or a token logged as part of a longer token (joined by '.' or '-'). */
  private static boolean containsPart(String token) {
    if (token.indexOf('.') < 0) {
      return false;
    }
    for (String part : token.split("\\.")) {
      if (part.length() >= 16 && TOKENS.contains(part)) {
        return true;
      }
    }
    return false;
  }

  private static void leak(ILoggingEvent event, String secret) {
    String shown = secret.length() <= 8 ? secret : secret.substring(0, 4) + "…" + secret.substring(secret.length() - 4);
    LEAKS.add(event.getLevel() + " " + event.getLoggerName() + " logged a secret (" + shown + "): "
      + event.getFormattedMessage());
  }
}
