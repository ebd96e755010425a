"""FieldCRM: a CRM for field sales teams, inside Telegram."""
