package io.mmfile.platform;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One Redis pub/sub channel: {@link #publish} from any node, and a subscription that outlives Redis
 * restarts and failovers. The subscription holds a connection of its own (a subscribed connection
 * takes no other commands); when it ends, fails, or stops answering a PING, it is dropped and made
 * again every {@value #RETRY_MS} ms until Redis is back. Messages published while no subscription
 * stood are lost (pub/sub keeps nothing), so the subscriber is told each time it has subscribed
 * (again) and must assume it missed something.
 *
 * <p>Works on one server, Sentinel (the connection goes to the master, and to the new master after a
 * failover, since the old one's connection ends) and Redis Cluster (PUBLISH reaches subscribers on
 * every node of the cluster).
 */
public final class RedisChannel {
  private static final Logger LOG = LoggerFactory.getLogger(RedisChannel.class);
  static final long RETRY_MS = 1_000;
  private static final long PING_MS = 5_000;
  private static final long PING_TIMEOUT_MS = 2_000;

  private final Vertx vertx;
  private final Redis redis;
  private final String channel;
  private Consumer<String> onMessage = message -> { };
  private Runnable onSubscribed = () -> { };
  private RedisConnection connection;
  private long pingTimer = -1;
  private boolean started;
  private boolean confirmed;
  private boolean closed;
  private boolean lost;

  public RedisChannel(Vertx vertx, Redis redis, String channel) {
    this.vertx = vertx;
    this.redis = redis;
    this.channel = channel;
  }

  public String name() {
    return channel;
  }

  /** Sends {@code message} to every subscriber; answers how many received it (on this node of a cluster). */
  public Future<Long> publish(String message) {
    return redis.send(Request.cmd(Command.PUBLISH).arg(channel).arg(message))
      .map(Response::toLong)
      .recover(Failure::redis);
  }

  /**
   * Subscribes and stays subscribed until {@link #close}. {@code onMessage} gets each message;
   * {@code onSubscribed} runs each time Redis has confirmed a subscription, the first one included.
   * Returns at once: a Redis that is away now is tried again until it answers.
   */
  public synchronized void subscribe(Consumer<String> onMessage, Runnable onSubscribed) {
    if (started) {
      throw new IllegalStateException("already subscribed to " + channel);
    }
    started = true;
    this.onMessage = onMessage;
    this.onSubscribed = onSubscribed;
    connect();
  }

  /** Whether a subscription stands now (Redis confirmed it, and its connection has not failed since). */
  public synchronized boolean subscribed() {
    return confirmed;
  }

  private void connect() {
    synchronized (this) {
      if (closed) {
        return;
      }
    }
    redis.connect().onComplete(connected -> {
      if (connected.failed()) {
        retryLater(connected.cause().getMessage());
        return;
      }
      RedisConnection conn = connected.result();
      synchronized (this) {
        if (closed) {
          conn.close();
          return;
        }
        connection = conn;
      }
      conn.handler(reply -> received(conn, reply));
      conn.exceptionHandler(t -> broken(conn, t.getMessage()));
      conn.endHandler(v -> broken(conn, "connection closed"));
      conn.send(Request.cmd(Command.SUBSCRIBE).arg(channel)).onFailure(t -> broken(conn, t.getMessage()));
    });
  }

  private void received(RedisConnection conn, Response reply) {
    // ["message", channel, payload] for a message, ["subscribe", channel, count] once subscribed; the
    // same shape as a RESP3 push and as a RESP2 array.
    if (reply == null || reply.size() < 3) {
      return;
    }
    String kind = reply.get(0).toString();
    if ("message".equals(kind) && channel.equals(reply.get(1).toString())) {
      onMessage.accept(reply.get(2).toString());
    } else if ("subscribe".equals(kind) && channel.equals(reply.get(1).toString())) {
      boolean wasLost;
      synchronized (this) {
        if (conn != connection) {
          return;
        }
        wasLost = lost;
        lost = false;
        if (pingTimer < 0 && !closed) {
          pingTimer = vertx.setPeriodic(PING_MS, id -> ping());
        }
      }
      if (wasLost) {
        LOG.info("subscribed to Redis channel {} again", channel);
      }
      onSubscribed.run();
      synchronized (this) {
        // Only once the subscriber has caught up: whoever sees subscribed() sees its effects too.
        confirmed = conn == connection;
      }
    }
  }

  private void ping() {
    RedisConnection conn;
    synchronized (this) {
      conn = connection;
    }
    if (conn != null) {
      conn.send(Request.cmd(Command.PING))
        .timeout(PING_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .onFailure(t -> broken(conn, "no answer to PING: " + t.getMessage()));
    }
  }

  private void broken(RedisConnection conn, String why) {
    synchronized (this) {
      if (conn != connection) {
        return;
      }
      connection = null;
      confirmed = false;
    }
    conn.close();
    retryLater(why);
  }

  private void retryLater(String why) {
    boolean first;
    synchronized (this) {
      if (closed) {
        return;
      }
      first = !lost;
      lost = true;
    }
    if (first) {
      LOG.warn("not subscribed to Redis channel {} ({}); trying again every {} ms", channel, why, RETRY_MS);
    }
    vertx.setTimer(RETRY_MS, id -> connect());
  }

  /** Ends the subscription for good. */
  public Future<Void> close() {
    RedisConnection conn;
    synchronized (this) {
      closed = true;
      confirmed = false;
      conn = connection;
      connection = null;
      if (pingTimer >= 0) {
        vertx.cancelTimer(pingTimer);
        pingTimer = -1;
      }
    }
    return conn == null ? Future.succeededFuture() : conn.close().otherwiseEmpty();
  }
}
