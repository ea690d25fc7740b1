// Navigator sidecar
