module example.com/hdrcast

go 1.16
