"""Admin tools: /outbox."""
