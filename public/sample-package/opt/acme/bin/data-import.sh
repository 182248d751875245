#!/bin/sh
# Pull the partner's nightly export and load it.
set -eu
SFTP_HOST=sftp-legacy.example.net
SFTP_USER=import
sshpass -p 'Winter2024!' sftp -oBatchMode=no "$SFTP_USER@$SFTP_HOST:/outgoing/orders.csv" /var/lib/acme/in/
/opt/acme/bin/acme-cli import /var/lib/acme/in/orders.csv
systemctl restart acme-sync.service
