-- One database for every workshop of the team; run once as the PostgreSQL superuser:
--   sudo -u postgres psql -v pw="'a long random password'" -f deploy/pg-init.sql
-- pmo_nb creates its tables (schema pmo_nb) on first use and migrates them on upgrade.
CREATE ROLE pmo LOGIN PASSWORD :pw;
CREATE DATABASE pmo OWNER pmo;
REVOKE ALL ON DATABASE pmo FROM PUBLIC;
