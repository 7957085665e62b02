"""Agent builder: agents, flows, node types and configs, versions, templates, prompts, runs."""
