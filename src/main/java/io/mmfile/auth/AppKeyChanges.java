package io.mmfile.auth;

import io.mmfile.platform.RedisChannel;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Tells every node that an app key was disabled, enabled, rotated or deleted, so that each drops its
 * cached copy ({@link AppKeyCache#forget}) at once instead of when {@code auth.app-key-cache-seconds}
 * run out. {@link AppKeyRepository} announces each change after it is committed.
 *
 * <p>Without Redis there is one node, this process: the announcement reaches its listeners directly
 * (an {@code appkey} command run from another process reaches the node through the cache time). With
 * Redis, the announcement is also published on the channel {@code <redis.key-prefix>app-key-changes},
 * to which every node subscribes ({@link #listen}); the command line publishes there too. A node that
 * lost its subscription forgets every key when it has subscribed again, since it may have missed a
 * change; until then the cache time still bounds what it serves.
 */
public final class AppKeyChanges {
  private static final Logger LOG = LoggerFactory.getLogger(AppKeyChanges.class);
  private static final long PUBLISH_TIMEOUT_MS = 2_000;

  private final RedisChannel channel;
  private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
  private final List<Runnable> resubscribed = new CopyOnWriteArrayList<>();

  private AppKeyChanges(RedisChannel channel) {
    this.channel = channel;
  }

  /** One process alone: announcements reach this process's listeners only. */
  public static AppKeyChanges local() {
    return new AppKeyChanges(null);
  }

  /** Announcements go to this process's listeners and to every node subscribed to {@code channel}. */
  public static AppKeyChanges redis(RedisChannel channel) {
    return new AppKeyChanges(channel);
  }

  /** The channel name for a deployment's {@code redis.key-prefix}. */
  public static String channelName(String keyPrefix) {
    return keyPrefix + "app-key-changes";
  }

  /** {@code listener} gets the app key of every change, this process's and (after {@link #listen}) other nodes'. */
  public AppKeyChanges onChange(Consumer<String> listener) {
    listeners.add(listener);
    return this;
  }

  /** {@code listener} runs each time a subscription stands (again): any key may have changed before. */
  public AppKeyChanges onMissedChanges(Runnable listener) {
    resubscribed.add(listener);
    return this;
  }

  /**
   * Announces a committed change of {@code appKey}. Never fails: when Redis does not take the message,
   * the change is logged as reaching other nodes only through their cache time.
   */
  public Future<Void> announce(String appKey) {
    listeners.forEach(listener -> listener.accept(appKey));
    if (channel == null) {
      return Future.succeededFuture();
    }
    return channel.publish(appKey)
      // A Redis that is away must not hold up the change, which is committed already.
      .timeout(PUBLISH_TIMEOUT_MS, TimeUnit.MILLISECONDS)
      .<Void>mapEmpty()
      .recover(t -> {
        LOG.warn("app key {} changed, but Redis did not pass the news on ({}): other nodes see the change when"
          + " their cached copy expires (auth.app-key-cache-seconds)", appKey, t.getMessage());
        return Future.succeededFuture();
      });
  }

  /** Subscribes to other nodes' announcements (with Redis; without, there are none), until {@link #close}. */
  public void listen() {
    if (channel == null) {
      return;
    }
    // Keys looked up before the subscription stood (Redis late at start, or away a while) may have
    // changed unannounced: every confirmed subscription, the first one too, forgets them all.
    channel.subscribe(appKey -> listeners.forEach(listener -> listener.accept(appKey)),
      () -> resubscribed.forEach(Runnable::run));
  }

  /** Whether announcements of other nodes reach this one now (always, without Redis). */
  public boolean listening() {
    return channel == null || channel.subscribed();
  }

  public Future<Void> close() {
    return channel == null ? Future.succeededFuture() : channel.close();
  }
}
