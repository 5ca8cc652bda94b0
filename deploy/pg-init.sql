-- One database for every workshop of the team, and two roles; run once as the superuser:
--   sudo -u postgres psql -v pw="'a long random password'" -v read_pw="'another one'" \
--     -f deploy/pg-init.sql
-- pmo       facilitators and the participants' app: reads and writes every workshop
--           (pmo_nb creates its tables, schema pmo_nb, on first use and migrates them)
-- pmo_read  analysts: reads every workshop, changes none (coverage, prioritize, record)
\set ON_ERROR_STOP on
CREATE ROLE pmo LOGIN PASSWORD :pw;
CREATE ROLE pmo_read LOGIN PASSWORD :read_pw;
CREATE DATABASE pmo OWNER pmo;
REVOKE ALL ON DATABASE pmo FROM PUBLIC;
GRANT CONNECT ON DATABASE pmo TO pmo_read;
\connect pmo
REVOKE ALL ON SCHEMA public FROM PUBLIC;
CREATE SCHEMA pmo_nb AUTHORIZATION pmo;
GRANT USAGE ON SCHEMA pmo_nb TO pmo_read;
-- every table pmo_nb makes (as pmo) is readable by pmo_read, and only readable
ALTER DEFAULT PRIVILEGES FOR ROLE pmo IN SCHEMA pmo_nb GRANT SELECT ON TABLES TO pmo_read;
