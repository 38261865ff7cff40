"""Uppföljning: frågorna (DataFrames), de rena reglerna, urvalet, statusorden och formatet."""
