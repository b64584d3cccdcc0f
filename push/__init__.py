"""推送: the ledger's changes pushed to bureau systems with acknowledgement (docs/sync.md, 推送)."""
