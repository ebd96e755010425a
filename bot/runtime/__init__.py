"""The runtime: app factory, context, settings, web server, webhook, inbox, leader, jobs, logs."""
