-- editors/nvim/vouch.lua: vouch in Neovim (0.8 or later; docs/editors.md).
-- The language server `vouch lsp` for every .vouch buffer: diagnostics as
-- you type, hover (K), go to definition (gd / CTRL-]), completion
-- (CTRL-X CTRL-O) and formatting (vim.lsp.buf.format()).
--
-- Install: copy this file to ~/.config/nvim/plugin/vouch.lua (and
-- editors/vim/{syntax,ftdetect} to ~/.config/nvim/ for the colours), or
-- require it from your init.lua. With nvim-lspconfig instead, see
-- docs/editors.md.
vim.filetype.add({ extension = { vouch = "vouch" } })

vim.api.nvim_create_autocmd("FileType", {
  pattern = "vouch",
  callback = function(args)
    vim.bo[args.buf].commentstring = "# %s"
    vim.lsp.start({
      name = "vouch",
      cmd = { vim.g.vouch_path or "vouch", "lsp" },
      -- a pack's imports are found beside it: its folder is the root
      root_dir = vim.fs.dirname(vim.api.nvim_buf_get_name(args.buf)),
    })
  end,
})
