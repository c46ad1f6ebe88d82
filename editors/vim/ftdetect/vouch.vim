" vouch rule packs
autocmd BufRead,BufNewFile *.vouch setfiletype vouch
