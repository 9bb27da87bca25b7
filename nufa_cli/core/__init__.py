"""The floor everything stands on: errors, diagnostic codes, output layout, dates. Imports nothing above."""
