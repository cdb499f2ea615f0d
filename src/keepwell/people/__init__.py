"""Employees, departments, retention roles and account teams."""
