#!/bin/sh
curl -fsS http://localhost:8080/health || systemctl restart acme-api
