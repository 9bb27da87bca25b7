"""Typed objects and loading: Committee, Member, Meeting, Day, Row, Sak, Referat, the public view."""
