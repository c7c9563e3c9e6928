package io.mmfile.files;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class StagedBytesTest {
  @TempDir
  Path dir;

  private static Buffer chunk(int size) {
    return Buffer.buffer(new byte[size]);
  }

  @Test
  void keepsAnUploadWithinItsLimitInMemory() throws IOException {
    StagedBytes staged = new StagedBytes(dir, "a", 1000);
    staged.append(chunk(600));
    staged.append(chunk(400));
    assertThat(staged.staged()).isNull();
    assertThat(staged.chunks()).hasSize(2);
    staged.append(chunk(1));
    assertThat(staged.staged()).isNotNull();
    assertThat(staged.chunks()).isEmpty();
    assertThat(Files.size(staged.stagedPath())).isEqualTo(1001);
    staged.release();
  }

  @Test
  void spillsAnUploadOnceTheSharedBudgetIsTaken() throws IOException {
    StagedBytes.Budget budget = new StagedBytes.Budget(1500);
    StagedBytes first = new StagedBytes(dir, "first", 1000, budget);
    StagedBytes second = new StagedBytes(dir, "second", 1000, budget);
    first.append(chunk(1000));
    second.append(chunk(400));
    assertThat(budget.left()).isEqualTo(100);
    second.append(chunk(400)); // within its own limit, but the budget has 100 bytes left
    assertThat(first.staged()).isNull();
    assertThat(second.staged()).isNotNull();
    assertThat(Files.size(second.stagedPath())).isEqualTo(800);
    assertThat(budget.left()).as("a spilled upload gives its memory back").isEqualTo(500);
    first.release();
    second.release();
    assertThat(budget.left()).isEqualTo(1500);
  }

  @Test
  void givesTheBudgetBackOnceReleased() throws IOException {
    StagedBytes.Budget budget = new StagedBytes.Budget(1000);
    StagedBytes staged = new StagedBytes(dir, "a", 1000, budget);
    staged.append(chunk(700));
    staged.release();
    staged.release(); // a second release gives nothing back twice
    assertThat(budget.left()).isEqualTo(1000);
    StagedBytes next = new StagedBytes(dir, "b", 1000, budget);
    next.append(chunk(1000));
    assertThat(next.staged()).isNull();
    next.release();
  }
}
