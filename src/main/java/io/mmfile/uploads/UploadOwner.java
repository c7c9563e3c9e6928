package io.mmfile.uploads;

/**
 * Who a resumable upload belongs to: an account (a Bearer access token) or an app (an app key); the
 * finished file is recorded under the same owner.
 */
public record UploadOwner(String accountId, String appKey) {
  public static UploadOwner account(String accountId) {
    return new UploadOwner(accountId, null);
  }

  public static UploadOwner app(String appKey) {
    return new UploadOwner(null, appKey);
  }
}
