"""What is read out of an incident: status text, the review and its text, KPIs, drafted updates and
the projected finish. Reads the domain's rows; never the store."""
