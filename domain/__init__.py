"""Pure rules of the portal: identifiers, money, fee schedules and quotes.

Nothing in this package imports Flask or touches the database.
"""
