" Vim syntax file for the vouch policy language (docs/language.md).
" Install: copy editors/vim/{syntax,ftdetect} into ~/.vim/ (or a pack dir).
" Compiler messages read `file:line:col: error: ...`, so `:set makeprg=vouch\ disasm\ %`
" with the default errorformat puts them in the quickfix list.
if exists("b:current_syntax")
  finish
endif

syn keyword vouchItem       pack version import param fact key rule framework control crosswalk scope appetite waive waivers override skip test freshness
syn keyword vouchClause     severity enforcement maps for in where require subject else every of as given expect as_of note source derived dated into map
syn keyword vouchAppetite   band tolerate accept by role review authority
syn keyword vouchWaiver     from until because approved_by
syn keyword vouchQuantifier exists all count newest oldest sum avg satisfies
syn keyword vouchOperator   and or not if then
syn keyword vouchConstant   true false none today period
" the calendar units of `every UNIT of PERIOD as VAR` (also functions of a date)
syn keyword vouchUnit       quarter month year day
" functions (runtime/program/builtins.def; `duration` is the type's word too)
" and the loop sources of calendar spans
syn keyword vouchFunction   blank present trim lower upper length contains starts_with ends_with days
syn keyword vouchFunction   month_start month_end quarter_start quarter_end year_start year_end add_months
syn keyword vouchFunction   quarter_name month_name coalesce quarters months years half_start half_end half_name
syn keyword vouchType       text int bool date duration enum
syn keyword vouchSeverity   info low medium high critical advisory soft hard
syn keyword vouchRelation   equal subset_of superset_of intersects unspecified

syn match   vouchComment    "#.*$" contains=@Spell
syn match   vouchDate       "\<\d\{4}-\d\d-\d\d\>"
syn match   vouchDuration   "\<\d\+\(d\|w\|mo\|q\|y\)\>"
syn match   vouchNumber     "\<\d\+\>"
syn region  vouchString     start=+"+ skip=+\\.+ end=+"+ contains=vouchInterp,vouchEscape oneline
syn match   vouchEscape     +\\[\\"ntu{}]+ contained
syn region  vouchInterp     matchgroup=vouchInterpDelim start="{" end="}" contained contains=TOP
syn match   vouchArrow      "->"

hi def link vouchItem        Statement
hi def link vouchClause      Keyword
hi def link vouchAppetite    Keyword
hi def link vouchWaiver      Keyword
hi def link vouchQuantifier  Repeat
hi def link vouchOperator    Operator
hi def link vouchConstant    Constant
hi def link vouchUnit        Keyword
hi def link vouchFunction    Function
hi def link vouchType        Type
hi def link vouchSeverity    Special
hi def link vouchRelation    Special
hi def link vouchComment     Comment
hi def link vouchDate        Number
hi def link vouchDuration    Number
hi def link vouchNumber      Number
hi def link vouchString      String
hi def link vouchEscape      SpecialChar
hi def link vouchInterpDelim Delimiter
hi def link vouchArrow       Operator

let b:current_syntax = "vouch"
