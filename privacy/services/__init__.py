"""Every write of the privacy app: requests (``requests``), the overdue job
(``overdue``)."""
