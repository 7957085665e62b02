"""The prompts library: prompts with typed variables, versions, aliases, rendering."""
