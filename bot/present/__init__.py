"""What handlers and jobs both render: charts and explanations."""
