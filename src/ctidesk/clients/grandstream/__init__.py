"""The agent's Grandstream phone: CTI client, call control, Action URL listener, poller."""
