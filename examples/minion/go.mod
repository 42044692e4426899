module example.com/minion

go 1.18
