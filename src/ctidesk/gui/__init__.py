"""The Qt desktop: tray, caller pop-up, windows. The only layer that imports Qt."""
