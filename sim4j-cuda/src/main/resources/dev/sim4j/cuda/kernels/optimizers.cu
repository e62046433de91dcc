// The optimizer updates, with Adam's step read from the device (ADR 0006).
