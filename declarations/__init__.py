"""Offline 学时登记: trainings outside the platform declared by a trainee with evidence and a
pledge, checked by their unit (初审) and then by a bureau officer of their region (复审); an
approved declaration becomes a credit record with basis ``declared``."""
