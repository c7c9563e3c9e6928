package io.mmfile.api.v1;

import io.mmfile.accounts.Account;

import java.util.List;
import java.util.Set;

/** The accounts {@code api.admin-accounts} names, each by its id or by its username. */
final class Administrators {
  private final Set<String> names;

  Administrators(List<String> idsOrUsernames) {
    this.names = Set.copyOf(idsOrUsernames);
  }

  boolean include(Account account) {
    return names.contains(account.id()) || account.username() != null && names.contains(account.username());
  }
}
