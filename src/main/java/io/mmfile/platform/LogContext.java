package io.mmfile.platform;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.slf4j.MDC;
import org.slf4j.Marker;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Puts {@code node} and {@code requestId} into the MDC of every log line, from where the line is
 * written: the request id of the Vert.x context running now ({@link RequestTrace}), and the node id of
 * the Vert.x instance that context belongs to (several nodes can share a JVM in tests), else of the
 * last node started in this JVM. An MDC is a thread local, and an event loop serves many requests in
 * turn, so the values are set afresh for each line instead of once per request; the pattern layout
 * ({@code %X{requestId}}) and the JSON encoder then read them as usual.
 *
 * <p>A turbo filter runs before logback builds the event, on the logging thread. It is also asked
 * for {@code isDebugEnabled()} checks (no format), which it leaves alone.
 */
public final class LogContext extends TurboFilter {
  public static final String NODE = "node";
  public static final String REQUEST_ID = "requestId";
  private static final Map<Vertx, String> NODES = new ConcurrentHashMap<>();
  private static volatile String processNode = "-";

  /** Names the node of {@code vertx}; lines logged outside any Vert.x thread name the last one given. */
  public static void register(Vertx vertx, String nodeId) {
    NODES.put(vertx, nodeId);
    processNode = nodeId;
  }

  public static void unregister(Vertx vertx) {
    NODES.remove(vertx);
  }

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    // the effective level, not isEnabledFor(), which would ask the turbo filters (this one) again
    if (format == null || level == null || !level.isGreaterOrEqual(logger.getEffectiveLevel())) {
      return FilterReply.NEUTRAL;
    }
    Context context = Vertx.currentContext();
    String node = context == null ? null : NODES.get(context.owner());
    MDC.put(NODE, node != null ? node : processNode);
    String requestId = RequestTrace.currentId();
    if (requestId != null) {
      MDC.put(REQUEST_ID, requestId);
    } else {
      MDC.remove(REQUEST_ID);
    }
    return FilterReply.NEUTRAL;
  }
}
