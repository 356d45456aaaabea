-- The brand's SMTP server for the e-mail channel: host, port, security, sender and login, the password sealed
-- (JSON, as `sms_gateway` holds the eSMS account).
ALTER TABLE message_settings ADD COLUMN email_server TEXT;
