"""Voice agent."""
