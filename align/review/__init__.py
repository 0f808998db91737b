"""Human review of a project: pure decisions (ops), a replayable session, a crash-safe journal,
progress statistics and the HTML report."""
