package io.mmfile.files;

import io.mmfile.platform.Failure;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

import java.util.List;
import java.util.Optional;

/**
 * The cache store on Redis. Chunks are appended to a temporary key as they arrive (never
 * assembled in memory first); commit sets the time to live and renames the key into place in one
 * MULTI/EXEC, so readers never see a partial blob. The temporary key carries a safety expiry, so a node
 * that dies mid-upload leaves nothing behind for long.
 */
public final class RedisBlobStore implements BlobStore {
  private final Redis redis;
  private final String prefix;
  private final long orphanTtlMs;

  public RedisBlobStore(Redis redis, String keyPrefix, long orphanTtlMs) {
    this.redis = redis;
    this.prefix = keyPrefix;
    this.orphanTtlMs = orphanTtlMs;
  }

  public String keyOf(String fileId) {
    return prefix + "blob:" + fileId;
  }

  /**
   * The temporary key hash-tags the final key's whole name ({@code <prefix>tmp:{<prefix>blob:<id>}}), so on
   * a Redis Cluster both hash to the same slot, as the RENAME at commit requires, while the final key keeps
   * the name it always had.
   */
  String tmpKeyOf(String fileId) {
    return prefix + "tmp:{" + keyOf(fileId) + "}";
  }

  @Override
  public BlobWriter create(String fileId) {
    String tmpKey = tmpKeyOf(fileId);
    return new BlobWriter() {
      private boolean started;

      @Override
      public Future<Void> write(Buffer chunk) {
        Request append = Request.cmd(Command.APPEND).arg(tmpKey).arg(chunk);
        Future<?> sent = started
          ? redis.send(append)
          : redis.batch(List.of(append, Request.cmd(Command.PEXPIRE).arg(tmpKey).arg(orphanTtlMs)));
        started = true;
        return sent.<Void>mapEmpty().recover(Failure::redis);
      }

      @Override
      public Future<Void> commit(long ttlMs) {
        if (!started) {
          return Future.failedFuture(Failure.of(Failure.Kind.STORE_FAILED, "empty blob " + fileId));
        }
        Request expiry = ttlMs == 0
          ? Request.cmd(Command.PERSIST).arg(tmpKey)
          : Request.cmd(Command.PEXPIRE).arg(tmpKey).arg(ttlMs);
        return redis.batch(List.of(Request.cmd(Command.MULTI), expiry,
            Request.cmd(Command.RENAME).arg(tmpKey).arg(keyOf(fileId)), Request.cmd(Command.EXEC)))
          .<Void>mapEmpty()
          .recover(Failure::redis);
      }

      @Override
      public Future<Void> abort() {
        if (!started) {
          return Future.succeededFuture();
        }
        return redis.send(Request.cmd(Command.DEL).arg(tmpKey)).<Void>mapEmpty().recover(Failure::redis);
      }
    };
  }

  @Override
  public Future<Optional<BlobContent>> read(String fileId, long offset, long length) {
    if (length == 0) {
      return redis.send(Request.cmd(Command.EXISTS).arg(keyOf(fileId)))
        .map(r -> r.toInteger() == 1 ? Optional.<BlobContent>of(new InMemory(Buffer.buffer())) : Optional.<BlobContent>empty())
        .recover(Failure::redis);
    }
    return redis.send(Request.cmd(Command.GETRANGE).arg(keyOf(fileId)).arg(offset).arg(offset + length - 1))
      .map(r -> {
        Buffer bytes = r == null ? Buffer.buffer() : r.toBuffer();
        // GETRANGE answers an empty string for a missing key; a stored blob is never empty.
        return bytes.length() == 0 ? Optional.<BlobContent>empty() : Optional.<BlobContent>of(new InMemory(bytes));
      })
      .recover(Failure::redis);
  }

  @Override
  public Future<Void> delete(String fileId) {
    return redis.send(Request.cmd(Command.DEL).arg(keyOf(fileId))).<Void>mapEmpty().recover(Failure::redis);
  }
}
