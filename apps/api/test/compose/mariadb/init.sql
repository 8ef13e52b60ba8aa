-- The database and user docker-compose.yml's defaults name (MYSQL_DATABASE, MYSQL_USER, MYSQL_PASSWORD).
CREATE DATABASE IF NOT EXISTS resilience_lab;
CREATE USER IF NOT EXISTS 'lab'@'%' IDENTIFIED BY 'lab-password';
GRANT ALL PRIVILEGES ON resilience_lab.* TO 'lab'@'%';
