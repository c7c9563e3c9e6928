package io.mmfile.api.v1;

import io.mmfile.accounts.Account;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AdministratorsTest {
  private final Administrators admins = new Administrators(List.of("alice", "0123456789abcdefghijklmnop"));

  @Test
  void namesAnAccountByItsUsernameOrItsId() {
    assertThat(admins.include(account("zzzzzzzzzzzzzzzzzzzzzzzzzz", "alice"))).isTrue();
    assertThat(admins.include(account("0123456789abcdefghijklmnop", null))).isTrue();
    assertThat(admins.include(account("0123456789abcdefghijklmnop", "bob"))).isTrue();
  }

  @Test
  void anyOtherAccountIsNoAdministrator() {
    assertThat(admins.include(account("zzzzzzzzzzzzzzzzzzzzzzzzzz", "bob"))).isFalse();
    assertThat(admins.include(account("zzzzzzzzzzzzzzzzzzzzzzzzzz", null))).isFalse();
    assertThat(admins.include(account("zzzzzzzzzzzzzzzzzzzzzzzzzz", "Alice"))).as("usernames are compared exactly").isFalse();
    assertThat(new Administrators(List.of()).include(account("0123456789abcdefghijklmnop", "alice"))).isFalse();
  }

  private static Account account(String id, String username) {
    return new Account(id, username, null, null, "hash", null, null, null, null, 0, 0, Map.of());
  }
}
