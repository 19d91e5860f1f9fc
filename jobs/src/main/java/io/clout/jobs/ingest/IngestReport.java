package io.clout.jobs.ingest;

import java.util.Map;

/**
 * What one ingest run read and did with it. The counts reconcile: {@code linesRead = accepted +
 * duplicates + rejected}, and {@code filesRead = filesListed - filesRejected}.
 *
 * @param status {@code ok}, or {@code failed} when the reject threshold stopped the run
 * @param filesRejectedByReason whole files rejected, per reason code
 * @param rejectedByReason event lines per reason code, duplicates included
 * @param tableVersions the Delta version each table has after the run
 */
public record IngestReport(
    String date,
    String status,
    String source,
    long filesListed,
    long filesRejected,
    Map<String, Long> filesRejectedByReason,
    long linesRead,
    long accepted,
    long duplicates,
    long rejected,
    Map<String, Long> rejectedByReason,
    long identityLinesRead,
    long identitiesAccepted,
    long identitiesRejected,
    Map<String, Long> tableVersions,
    long durationMs,
    Map<String, String> parameters) {

  /** Whether the counts add up; a report that does not is a bug. */
  public boolean reconciles() {
    return linesRead == accepted + duplicates + rejected
        && rejectedByReason.values().stream().mapToLong(Long::longValue).sum()
            == duplicates + rejected;
  }

  public String summary() {
    return String.format(
        "ingest %s: %s, %d files (%d rejected), %d lines = %d accepted + %d duplicates + %d rejected%s",
        date,
        status,
        filesListed,
        filesRejected,
        linesRead,
        accepted,
        duplicates,
        rejected,
        rejectedByReason.isEmpty() ? "" : " " + rejectedByReason);
  }
}
