#!/bin/sh
set -e
psql -h localhost -U postgres <<SQL
CREATE DATABASE "shop_reports";
SQL
