"""Konton: användare, lösenord, inloggningar och försök."""
