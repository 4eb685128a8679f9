"""What the pages of two or more features share: forms, wording, look-ups, steps.

A feature's views (views/accounts, views/requests, ...) import no other feature's views;
what two need lives here, and nothing here imports a feature's views."""
