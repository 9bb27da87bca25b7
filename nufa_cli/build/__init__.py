"""The orchestrator: the registry of output targets, lanes, plan/writer, cache."""
